"""python -m services.loyalty"""
from services.loyalty.app import create_app
from services.loyalty.settings import LoyaltySettings
from shared.service_app import serve

if __name__ == "__main__":
    settings = LoyaltySettings()
    serve(settings, create_app(settings))
