"""answerkey's verifiers: does an answer match the key? Extraction, comparison, rewards."""

from .batch import verify_batch
from .extract import extract_answer
from .reward import reward
from .verdict import Verdict
from .verify import verify

__all__ = ["Verdict", "extract_answer", "reward", "verify", "verify_batch"]
