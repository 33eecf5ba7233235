"""The page a simulator shows where the provider would: what is paid, to whom, and a button to
approve or decline it (with the reason a decline gives)."""

from __future__ import annotations

from html import escape


def checkout_page(
    *,
    provider: str,
    colour: str,
    amount: str,
    currency: str,
    reference: str,
    state: str,
    approve_url: str,
    decline_url: str,
    declines: list[tuple[str, str]],
) -> str:
    """An HTML page; its forms POST to `approve_url` and `decline_url` (field `code`)."""
    options = "".join(
        f'<option value="{escape(c)}">{escape(label)}</option>' for c, label in declines
    )
    open_ = state == "open"
    actions = (
        f'<form method="post" action="{escape(approve_url)}">'
        '<button class="pay">Payer</button></form>'
        f'<form method="post" action="{escape(decline_url)}">'
        f'<select name="code">{options}</select> <button class="no">Refuser</button></form>'
        if open_
        else f"<p>Ce paiement est {escape(state)}.</p>"
    )
    return f"""<!doctype html><html lang="fr"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(provider)} (simulateur)</title>
<style>body{{font-family:sans-serif;max-width:28em;margin:2em auto;padding:0 1em}}
h1{{color:{colour}}}.amount{{font-size:2em}}form{{margin:1em 0}}
button{{font-size:1.2em;padding:.4em 1.2em}}.pay{{background:{colour};color:#fff;border:0}}
</style>
<h1>{escape(provider)}</h1><p><small>Simulateur local : aucun argent ne bouge.</small></p>
<p class="amount">{escape(amount)} {escape(currency)}</p>
<p>Référence : {escape(reference)}</p>
{actions}
</html>"""
