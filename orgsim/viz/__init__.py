"""The interactive page (`orgsim viz`): Mesa SolaraViz over the organization, and its offline assets."""
