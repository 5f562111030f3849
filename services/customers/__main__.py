"""python -m services.customers"""
from services.customers.app import create_app
from services.customers.settings import CustomersSettings
from shared.production import load_settings
from shared.service_app import serve

if __name__ == "__main__":
    settings = load_settings(CustomersSettings)  # exits first on bad settings or unfit production secrets
    serve(settings, create_app(settings))
