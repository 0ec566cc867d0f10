"""Each user project is one partition of every asset."""

from dagster import DynamicPartitionsDefinition

projects_partitions = DynamicPartitionsDefinition(name="projects")
