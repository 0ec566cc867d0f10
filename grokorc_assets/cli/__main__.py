"""`python -m grokorc_assets.cli` = the `grokorc` command."""

from grokorc_assets.cli import main

main()
