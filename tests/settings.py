"""Small, fast settings shared by the tests (one place to change them)."""

FAST = dict(units=4, epochs=2, batch_size=8, random_state=0)
