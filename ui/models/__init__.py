"""Qt item models fed with rows by their views; they never fetch data themselves."""
