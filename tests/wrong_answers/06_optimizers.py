"""Classic wrong answers for chapter 6 (optimizers), one per exercise and concept check.

Each value replaces the whole solution cell; the exercise's hidden test must score 0.
"""

WRONG = {
    # Updates the caller's array in place instead of returning a new one.
    "ex1_sgd_update": (
        "def sgd_update(p, g, lr):\n"
        "    p -= lr * g\n"
        "    return p\n"
    ),
    # The textbook (Sutskever / CS231n / Keras) form: same parameters at a constant rate,
    # but a different velocity, and different parameters once the rate changes.
    "ex2_momentum_update": (
        "def momentum_update(p, g, v, lr, mu=0.9):\n"
        "    v_new = mu * v - lr * g\n"
        "    return p + v_new, v_new\n"
    ),
    # No look-ahead: this is plain momentum.
    "ex3_nesterov_update": (
        "def nesterov_update(p, g, v, lr, mu=0.9):\n"
        "    v_new = mu * v + g\n"
        "    return p - lr * v_new, v_new\n"
    ),
    # eps inside the square root.
    "ex4_adagrad_update": (
        "import numpy as np\n"
        "\n"
        "\n"
        "def adagrad_update(p, g, s, lr=0.01, eps=1e-10):\n"
        "    s_new = s + g ** 2\n"
        "    return p - lr * g / np.sqrt(s_new + eps), s_new\n"
    ),
    # alpha and 1 - alpha swapped in the moving average.
    "ex5_rmsprop_update": (
        "import numpy as np\n"
        "\n"
        "\n"
        "def rmsprop_update(p, g, s, lr=0.01, alpha=0.99, eps=1e-8):\n"
        "    s_new = (1 - alpha) * s + alpha * g ** 2\n"
        "    return p - lr * g / (np.sqrt(s_new) + eps), s_new\n"
    ),
    # No bias correction.
    "ex6_adam_update": (
        "import numpy as np\n"
        "\n"
        "\n"
        "def adam_update(p, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):\n"
        "    m_new = beta1 * m + (1 - beta1) * g\n"
        "    v_new = beta2 * v + (1 - beta2) * g ** 2\n"
        "    return p - lr * m_new / (np.sqrt(v_new) + eps), m_new, v_new\n"
    ),
    # t / every without rounding down: a smooth decay instead of steps.
    "ex7_schedules": (
        "def step_decay(lr0, drop, every):\n"
        "    def schedule(t):\n"
        "        return lr0 * drop ** (t / every)\n"
        "    return schedule\n"
        "\n"
        "\n"
        "def exponential_decay(lr0, gamma):\n"
        "    def schedule(t):\n"
        "        return lr0 * gamma ** t\n"
        "    return schedule\n"
    ),
    # Concept checks: the classic slips.
    # The moving-average velocity (1 - mu) g / (1 - mu) = g taken for the terminal velocity.
    "cc1_terminal_velocity": "cc1_terminal_velocity = 3\n",
    # Adam without its bias correction: lr * 0.1 / sqrt(0.001).
    "cc2_adam_first_step": "cc2_adam_first_step = 0.01 * 0.1 / 0.001 ** 0.5\n",
    # Plain SGD's zigzag taken for momentum.
    "cc3_which_path": 'cc3_which_path = "B"\n',
}
