from tests.engines.order.support import category, check_out, fill_cart, product, reaches


async def test_smoke(api):
    cat = await category(api)
    await product(api, cat, "HP-840")
    cart = await fill_cart(api, [("HP-840", 2)])
    print(cart)
    order = await check_out(api, "cash_on_delivery")
    print(order)
    await reaches(api, order["id"], "confirmed")
    print((await api.get(f"/api/orders/{order['id']}/timeline", role="staff")).json())
