from grokorc_assets.resources.grokorc_state import GrokorcState
from grokorc_assets.resources.json_io_manager import JsonIOManager

__all__ = ["GrokorcState", "JsonIOManager"]
