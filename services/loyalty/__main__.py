"""python -m services.loyalty"""
from services.loyalty.app import create_app
from services.loyalty.settings import LoyaltySettings
from shared.production import load_settings
from shared.service_app import serve

if __name__ == "__main__":
    settings = load_settings(LoyaltySettings)  # exits first on bad settings or unfit production secrets
    serve(settings, create_app(settings))
