"""ONNX graphs of the fitted estimators, for skl2onnx (public entry: :mod:`sklearn_lstmae.onnx`)."""
