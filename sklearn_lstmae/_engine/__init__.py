"""The Keras engine: layers, network builders, training, inference and model bytes.

Pure Keras (and TensorFlow where it is the backend): nothing here imports an
estimator or scikit-learn's estimator machinery.
"""
