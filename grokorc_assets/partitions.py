"""Each user project is one partition of every asset."""

from dagster import DynamicPartitionsDefinition

from grokorc_assets.contract import PARTITIONS_NAME

projects_partitions = DynamicPartitionsDefinition(name=PARTITIONS_NAME)
