"""HTTP routes of the customers service and their response models."""
