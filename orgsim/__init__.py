"""orgsim: agent-based simulation of social-business technology adoption and the role of IT."""

__version__ = "0.1.0"
