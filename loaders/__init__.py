"""Loaders turn files into typed records (:class:`kg.model.Batch`); they never write."""
