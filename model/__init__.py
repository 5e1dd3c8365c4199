"""westdev: an agent-based model of China's western development and West/East convergence."""

__version__ = "0.1.0"
