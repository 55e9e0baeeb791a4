"""Deliberately wrong solution of the exercise of lesson 07 (the exercise tests check that the
check cell catches it)."""


def final_states(output, h_n, num_layers, bidirectional):
    """Wrong on purpose, the classic bug: output[-1]. Its forward half is the final forward
    state, but its backward half has read only the last token."""
    return output[-1]
