"""A search engine for Argilla that answers every query from Argilla's own SQL tables.

`annotation.server.load_argilla` registers it under `SEARCH_ENGINE_NAME` through Argilla's
`SearchEngine.register`, so the real argilla-server runs with no Elasticsearch: there is no
second copy of the records to keep in sync, and nothing to rebuild after a restart. The index
hooks therefore do nothing.

Argilla calls the engine while its request still holds a connection of its own pool (5 + 10
overflow), so the engine reads through a pool of its own: taking a second connection from the
same pool, 15 concurrent searches would each hold one and wait for another until the pool's
30 s timeout (HTTP 500 for everyone, measured with `benchmarks/annotation_load.py`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import AsyncIterator, Iterable
from uuid import UUID

import numpy as np
from argilla_server.enums import MetadataPropertyType, SimilarityOrder
from argilla_server.models import Dataset, Field, MetadataProperty, Record, Response, Suggestion, User, VectorSettings
from argilla_server.models.database import Vector
from argilla_server.search_engine import (
    Filter,
    FloatMetadataMetrics,
    IntegerMetadataMetrics,
    MetadataMetrics,
    Order,
    SearchEngine,
    SearchResponseItem,
    SearchResponses,
    TermsMetrics,
    TextQuery,
)
from sqlalchemy import Select, String, cast, func, literal, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.sql import ColumnElement

from annotation.query_time import time_bound
from annotation.search_limits import SearchLimits
from annotation.sql_json import member, member_items
from annotation.sql_query import MetadataTypes, field_texts, filter_condition, order_by, text_condition, text_score
from annotation.text_terms import text_terms


def annotator_order_key(user_id: UUID, stored_record_id: str) -> bytes:
    """A per-annotator pseudo-random position: two annotators get the queue in different orders
    (the record id as the database stores it: no UUID object made per record)."""
    return hashlib.blake2b(f"{user_id.hex}:{stored_record_id}".encode(), digest_size=8).digest()


def cosine_scores(query: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Cosine similarity mapped to [0, 1] as Elasticsearch reports it: (1 + cos) / 2."""
    norms = np.linalg.norm(vectors, axis=1) * max(float(np.linalg.norm(query)), 1e-12)
    return (1.0 + vectors @ query / np.maximum(norms, 1e-12)) / 2.0


@functools.cache
def search_sessions() -> async_sessionmaker[AsyncSession]:
    """Sessions on the engine's own connection pool to Argilla's database (see the module docstring)."""
    from argilla_server.settings import settings

    engine = create_async_engine(settings.database_url, **settings.database_engine_args)
    return async_sessionmaker(engine, expire_on_commit=False)


async def _status_counts(statement: Select) -> dict:
    """{"total": n, status: count, ...} from a (status, count) grouping."""
    async with search_sessions()() as db:
        counts = {str(status): count for status, count in await db.execute(statement)}
    return {"total": sum(counts.values()), **counts}


class SqlSearchEngine(SearchEngine):
    """Argilla's search engine contract over SQL; see the module docstring."""

    def __init__(self, limits: SearchLimits | None = None) -> None:
        self.limits = limits or SearchLimits.from_environment()

    @classmethod
    async def new_instance(cls) -> SqlSearchEngine:
        return cls()

    @contextlib.asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        """A database session whose SQL is interrupted past the search time bound."""
        async with search_sessions()() as db, time_bound(db, self.limits.seconds):
            yield db

    async def close(self) -> None:
        return None

    async def ping(self) -> bool:
        async with search_sessions()() as db:
            return (await db.scalar(select(literal(1)))) == 1

    async def info(self) -> dict:
        return {"distribution": "answerkey", "backend": "argilla SQL tables"}

    async def create_index(self, dataset: Dataset) -> None:
        return None

    async def delete_index(self, dataset: Dataset) -> None:
        return None

    async def configure_metadata_property(self, dataset: Dataset, metadata_property: MetadataProperty) -> None:
        return None

    async def configure_index_vectors(self, vector_settings: VectorSettings) -> None:
        return None

    async def index_records(self, dataset: Dataset, records: Iterable[Record]) -> None:
        return None

    async def partial_record_update(self, record: Record, **update) -> None:
        return None

    async def delete_records(self, dataset: Dataset, records: Iterable[Record]) -> None:
        return None

    async def update_record_response(self, response: Response) -> None:
        return None

    async def delete_record_response(self, response: Response) -> None:
        return None

    async def update_record_suggestion(self, suggestion: Suggestion) -> None:
        return None

    async def delete_record_suggestion(self, suggestion: Suggestion) -> None:
        return None

    async def get_dataset_progress(self, dataset: Dataset) -> dict:
        if dataset.is_draft:
            return {}
        return await _status_counts(
            select(Record.status, func.count()).where(Record.dataset_id == dataset.id).group_by(Record.status)
        )

    async def get_dataset_user_progress(self, dataset: Dataset, user: User) -> dict:
        if dataset.is_draft:
            return {}
        return await _status_counts(
            select(Response.status, func.count())
            .join(Record, Record.id == Response.record_id)
            .where(Record.dataset_id == dataset.id, Response.user_id == user.id)
            .group_by(Response.status)
        )

    async def search(
        self,
        dataset: Dataset,
        query: TextQuery | str | None = None,
        filter: Filter | None = None,
        sort: list[Order] | None = None,
        offset: int = 0,
        limit: int = 100,
        user_id: UUID | None = None,
    ) -> SearchResponses:
        async with self._session() as db:
            conditions, score = await self._record_conditions(db, dataset, query, filter)
            if user_id is not None and not sort and score is None:
                # Core, not ORM, and the stored text, not UUIDs: a queue of thousands costs
                # milliseconds of Python, not most of a request.
                connection = await db.connection()
                stored = (await connection.execute(select(cast(Record.id, String)).where(*conditions))).scalars().all()
                ordered = sorted(stored, key=lambda record_id: annotator_order_key(user_id, record_id))
                page = [SearchResponseItem(record_id=UUID(record_id)) for record_id in ordered[offset : offset + limit]]
                return SearchResponses(items=page, total=len(stored))
            total = await db.scalar(select(func.count()).select_from(Record).where(*conditions))
            ranking = [score.desc()] if score is not None and not sort else []
            rows = await db.execute(
                select(Record.id, score if score is not None else literal_column("NULL"))
                .where(*conditions)
                .order_by(*ranking, *order_by(sort))
                .offset(offset)
                .limit(limit)
            )
            items = [SearchResponseItem(record_id=record_id, score=value) for record_id, value in rows]
        return SearchResponses(items=items, total=total or 0)

    async def similarity_search(
        self,
        dataset: Dataset,
        vector_settings: VectorSettings,
        value: list[float] | None = None,
        record: Record | None = None,
        query: TextQuery | str | None = None,
        filter: Filter | None = None,
        max_results: int = 100,
        order: SimilarityOrder = SimilarityOrder.most_similar,
        threshold: float | None = None,
    ) -> SearchResponses:
        if bool(value) == bool(record):
            raise ValueError("Must provide either vector value or record to compute the similarity search")
        target = value or (record.vector_value_by_vector_settings(vector_settings) if record is not None else None)
        if not target:
            raise ValueError("Cannot find a vector value to apply with provided info")
        async with self._session() as db:
            conditions, _ = await self._record_conditions(db, dataset, query, filter)
            conditions.append(Vector.vector_settings_id == vector_settings.id)
            if record is not None:
                conditions.append(Record.id != record.id)
            rows = (await db.execute(select(Vector.record_id, Vector.value).join(Record).where(*conditions))).all()
        if not rows:
            return SearchResponses(items=[], total=0)
        scores = cosine_scores(np.asarray(target, dtype=float), np.asarray([row[1] for row in rows], dtype=float))
        ranked = np.argsort(scores, kind="stable")
        if order == SimilarityOrder.most_similar:
            ranked = ranked[::-1]
        items = [
            SearchResponseItem(record_id=rows[index][0], score=float(scores[index]))
            for index in ranked[:max_results]
            if threshold is None or scores[index] >= threshold
        ]
        return SearchResponses(items=items, total=len(items))

    async def compute_metrics_for(self, metadata_property: MetadataProperty) -> MetadataMetrics:
        in_dataset = Record.dataset_id == metadata_property.dataset_id
        async with self._session() as db:
            if metadata_property.type == MetadataPropertyType.terms:
                items = member_items(Record.metadata_, metadata_property.name)
                counted = items.joined(select(items.value, func.count()).select_from(Record)).where(in_dataset)
                rows = (
                    await db.execute(counted.group_by(items.value).order_by(func.count().desc(), items.value))
                ).all()
                values = [TermsMetrics.TermCount(term=str(term), count=count) for term, count in rows]
                return TermsMetrics(total=sum(count for _, count in rows), values=values)
            column = member(Record.metadata_, metadata_property.name)
            low, high = (await db.execute(select(func.min(column), func.max(column)).where(in_dataset))).one()
        metrics = (
            IntegerMetadataMetrics if metadata_property.type == MetadataPropertyType.integer else FloatMetadataMetrics
        )
        return metrics(min=low, max=high)

    async def _record_conditions(
        self, db, dataset: Dataset, query: TextQuery | str | None, filter: Filter | None
    ) -> tuple[list[ColumnElement], ColumnElement | None]:
        """WHERE conditions for the dataset's records matching the text query and the filter, and
        the text relevance score (None without words to rank by)."""
        conditions = [Record.dataset_id == dataset.id]
        score = None
        terms = text_terms(query.q if isinstance(query, TextQuery) else query) if query else None
        if terms:
            texts = field_texts(await self._text_field_names(db, dataset, query))
            conditions.append(text_condition(terms, texts))
            score = text_score(terms, texts) if terms.required else None  # `-word` alone ranks nothing
        if filter is not None:
            conditions.append(filter_condition(filter, await self._metadata_types(db, dataset)))
        return conditions, score

    @staticmethod
    async def _metadata_types(db, dataset: Dataset) -> MetadataTypes:
        properties = await db.scalars(select(MetadataProperty).where(MetadataProperty.dataset_id == dataset.id))
        return {prop.name: prop.type for prop in properties}

    @staticmethod
    async def _text_field_names(db, dataset: Dataset, query: TextQuery | str) -> list[str]:
        if isinstance(query, TextQuery) and query.field:
            return [query.field]
        return list((await db.scalars(select(Field.name).where(Field.dataset_id == dataset.id))).all())
