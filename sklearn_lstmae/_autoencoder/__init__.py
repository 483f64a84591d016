"""The LSTM autoencoder estimators' shared machinery, one job a module.

:mod:`.parameters` (constraints and their documentation), :mod:`.model_factory`
(the Keras model an estimator's parameters ask for), :mod:`.sequence_layout`
(the user's sequences <-> the network's arrays), :mod:`.training` (the
all-or-nothing fit), :mod:`.scoring` (reconstructions and their errors) and
:mod:`.base`, the base class that joins them.
"""
