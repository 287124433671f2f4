"""Training machinery shared by every iterative model: device choice and the epoch loop."""
