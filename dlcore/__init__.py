"""dlcore — the course's reference implementations of deep-learning building blocks, in NumPy.

One flat module per concept, in the order the course meets them::

    dlcore.perceptron   Perceptron (Rosenblatt's rule)
    dlcore.activations  step, sigmoid, tanh, relu, leaky_relu, softmax and their derivatives
    dlcore.losses       mse, binary_cross_entropy, cross_entropy, softmax_cross_entropy,
                        l2_penalty (each + _grad)
    dlcore.layers       Dense, ReLU, Sigmoid, Tanh, LeakyReLU, Dropout, BatchNorm1d, Sequential
    dlcore.graph        Add and Multiply nodes of a computational graph
    dlcore.gradcheck    numerical_gradient, relative_error, check_model_gradients
    dlcore.optimizers   SGD, Adagrad, RMSProp, Adam, AdamW, FunctionalOptimizer (your own
                        update function as an optimizer), and the learning-rate schedules
    dlcore.data         load_digits, load_mnist, one_hot, train_test_split, minibatches, logic_gate
    dlcore.training     fit, accuracy (of a model), accuracy_score (of predictions)

>>> import numpy as np, dlcore
>>> model = dlcore.Sequential(dlcore.Dense(2, 3, rng=0), dlcore.ReLU(), dlcore.Dense(3, 2, rng=1))
>>> model.forward(np.zeros((4, 2))).shape
(4, 2)
"""


from dlcore import (
    activations,
    data,
    gradcheck,
    graph,
    layers,
    losses,
    optimizers,
    perceptron,
    schedules,
    training,
)
from dlcore.activations import (
    leaky_relu,
    leaky_relu_grad,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    step,
    tanh,
    tanh_grad,
)
from dlcore.data import load_digits, load_mnist, logic_gate, minibatches, one_hot, train_test_split
from dlcore.gradcheck import check_model_gradients, numerical_gradient, relative_error
from dlcore.graph import Add, Multiply
from dlcore.layers import BatchNorm1d, Dense, Dropout, LeakyReLU, ReLU, Sequential, Sigmoid, Tanh
from dlcore.losses import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    cross_entropy,
    cross_entropy_grad,
    get_loss,
    l2_penalty,
    l2_penalty_grad,
    mse,
    mse_grad,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)
from dlcore.optimizers import SGD, Adagrad, Adam, AdamW, FunctionalOptimizer, RMSProp
from dlcore.perceptron import Perceptron
from dlcore.schedules import exponential_decay, inverse_time_decay, step_decay
from dlcore.training import accuracy, accuracy_score, fit

__version__ = "0.1.0"

__all__ = [
    # modules
    "activations", "data", "gradcheck", "graph", "layers", "losses", "optimizers",
    "perceptron", "schedules", "training",
    # activations
    "step", "sigmoid", "tanh", "relu", "leaky_relu", "softmax",
    "sigmoid_grad", "tanh_grad", "relu_grad", "leaky_relu_grad",
    # losses
    "mse", "mse_grad", "binary_cross_entropy", "binary_cross_entropy_grad",
    "cross_entropy", "cross_entropy_grad", "softmax_cross_entropy",
    "softmax_cross_entropy_grad", "l2_penalty", "l2_penalty_grad", "get_loss",
    # layers, graph, gradcheck
    "Dense", "ReLU", "Sigmoid", "Tanh", "LeakyReLU", "Dropout", "BatchNorm1d", "Sequential",
    "Add", "Multiply",
    "numerical_gradient", "relative_error", "check_model_gradients",
    # optimizers and schedules
    "SGD", "Adagrad", "RMSProp", "Adam", "AdamW", "FunctionalOptimizer",
    "inverse_time_decay", "step_decay", "exponential_decay",
    # perceptron, data, training
    "Perceptron", "load_digits", "load_mnist", "one_hot", "train_test_split", "minibatches",
    "logic_gate", "fit", "accuracy", "accuracy_score",
]
