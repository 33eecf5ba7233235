"""The engine's public facade lists what other engines may use, and nothing it lists is
missing."""

import itvision.engines.promotion as promotion


def test_the_facade_exports_what_it_lists():
    assert promotion.__all__ == sorted(promotion.__all__)
    for name in promotion.__all__:
        assert getattr(promotion, name) is not None
    assert callable(promotion.evaluate_cart)
