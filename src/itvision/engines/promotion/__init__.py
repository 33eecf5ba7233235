"""Promotion engine (`promotion-engine`): promo codes, automatic sales, bundles, buy-X-get-Y.

What other engines may use: `evaluate_cart` (the promotions a priced cart gets, and why each
typed code does not apply — a read, nothing is reserved) and the types it speaks. Code usages
are reserved, counted and released through events (`order.order.placed`,
`payment.payment.succeeded`, `order.order.cancelled`); the engine's own contract is `events`.
"""

from itvision.engines.promotion.cart import Cart, CartLine
from itvision.engines.promotion.checkout import evaluate_cart
from itvision.engines.promotion.evaluation import Applied, Evaluation, RefusedCode
from itvision.engines.promotion.reasons import Reason

__all__ = ["Applied", "Cart", "CartLine", "Evaluation", "Reason", "RefusedCode", "evaluate_cart"]
