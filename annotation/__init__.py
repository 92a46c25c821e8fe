"""Annotation: the embedded Argilla server, dataset templates, push/pull and LLM drafts."""
