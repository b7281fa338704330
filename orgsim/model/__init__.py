"""The simulation itself: agents, tools, environment, policies and metrics. Imports nothing above it."""
