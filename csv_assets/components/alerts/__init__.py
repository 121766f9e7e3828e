"""The alert sensors and their resource: Dagster's side of ``csv_assets.alerts``."""

from csv_assets.components.alerts.resource import Alerts, alerts_from_env
from csv_assets.components.alerts.sensors import build_alert_sensors

__all__ = ["Alerts", "alerts_from_env", "build_alert_sensors"]
