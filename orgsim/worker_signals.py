"""Imported only into the runner's forkserver: its workers ignore Ctrl-C and leave it to the parent,
which stops them, so an interrupted run ends with one message instead of a traceback per process."""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
