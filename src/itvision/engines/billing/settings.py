"""The billing engine's settings, read from `ITVISION_BILLING_*` environment variables (or a
line of `.env`) once per platform: use cases read them with `uow.settings_of(BillingSettings)`,
routes with `platform.settings_of(BillingSettings)`.

The seller's details are printed on every quote, invoice and credit note; an invoice keeps a
copy of them as they were when it was issued, so changing them never changes an issued one.
The defaults are demonstration values: set the company's own before issuing real invoices."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class BillingSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ITVISION_BILLING_", env_file=".env", extra="ignore", frozen=True
    )

    seller_name: str = Field(default="IT Vision SARL", description="Company name")
    seller_ninea: str = Field(
        default="009876543 2G3", description="NINEA (Senegal) or compte contribuable (CI)"
    )
    seller_rccm: str = Field(default="SN-DKR-2026-B-01234", description="Trade register number")
    seller_address: str = Field(default="Route des Almadies, Dakar, Sénégal")
    seller_phone: str = Field(default="+221 33 800 00 00")
    seller_email: str = Field(default="factures@itvision.sn")
    seller_bank_account: str = Field(
        default="", description="Bank and RIB printed for business customers who pay by transfer"
    )
    public_url: str = Field(
        default="http://localhost:8000",
        description="Where the API is reached from outside: the base of the QR codes' "
        "verification links and of the documents' URLs",
    )
    invoice_due_days: int = Field(
        default=0, ge=0, le=365, description="Days a consumer's invoice is due after its issue"
    )
    payment_terms_days: int = Field(
        default=30,
        ge=0,
        le=365,
        description="Days a business invoice (an order from a quote made out to a company) "
        "is due after its issue",
    )
    quote_validity_days: int = Field(
        default=30, ge=1, le=365, description="How long a quote is valid when none is given"
    )

    def seller(self) -> dict[str, str]:
        """The seller's details, as a document prints them and an invoice keeps them."""
        return {
            "name": self.seller_name,
            "ninea": self.seller_ninea,
            "rccm": self.seller_rccm,
            "address": self.seller_address,
            "phone": self.seller_phone,
            "email": self.seller_email,
            "bank_account": self.seller_bank_account,
        }
