from grokorc_assets.resources.grokorc_state import GrokorcState
from grokorc_assets.resources.json_io_manager import JsonIOManager
from grokorc_assets.resources.llm import LLMResource

__all__ = ["GrokorcState", "JsonIOManager", "LLMResource"]
