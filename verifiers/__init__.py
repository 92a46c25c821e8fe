"""answerkey's verifiers: does an answer match the key? Extraction, comparison, rewards."""
from .extract import extract_answer
from .verdict import Verdict
from .verify import verify

__all__ = ["Verdict", "extract_answer", "verify"]
