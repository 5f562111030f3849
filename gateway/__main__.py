"""python -m gateway"""
import uvicorn

from gateway.app import create_app
from gateway.settings import GatewaySettings
from shared.logging import configure_logging
from shared.production import load_settings

if __name__ == "__main__":
    settings = load_settings(GatewaySettings)  # exits first on bad settings or unfit production secrets
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None, access_log=False)
