/**
 * The results store's schema, as an ordered list of migrations. A store
 * records the versions it has applied in `schema_migrations`; opening a store
 * applies the missing ones in order, each in a transaction. Never edit a
 * shipped migration: add the next one.
 *
 * One list for both backends. A migration is written in DuckDB's SQL, and
 * `migrationSql` translates the one type name PostgreSQL spells differently
 * (DOUBLE → DOUBLE PRECISION; VARCHAR, VARCHAR[], BIGINT, TIMESTAMP,
 * sequences and `nextval` are the same on both). Where the statements
 * themselves differ, a migration carries `{ duckdb, postgresql }`.
 */
import type { SqlDialect } from './sql-backend.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string | { readonly duckdb: string; readonly postgresql: string };
}

/** the migration's SQL for a backend */
export function migrationSql(m: Migration, dialect: SqlDialect): string {
  if (typeof m.sql !== 'string') return m.sql[dialect.name];
  return dialect.name === 'duckdb' ? m.sql : m.sql.replace(/\bDOUBLE\b(?! PRECISION)/g, 'DOUBLE PRECISION');
}

/** migration 5's new tables (the same on both backends) */
const DASHBOARD_TABLES = `
      CREATE TABLE approvals (
        fingerprint VARCHAR NOT NULL,
        head_plan_hash VARCHAR NOT NULL,
        template VARCHAR NOT NULL,
        verdict VARCHAR NOT NULL,
        approved_by VARCHAR NOT NULL,
        why VARCHAR NOT NULL,
        approved_at VARCHAR NOT NULL,
        run VARCHAR,
        PRIMARY KEY (fingerprint, head_plan_hash, verdict)  -- an approval covers one verdict, as in the approvals file
      );
      CREATE SEQUENCE audit_id START 1;
      CREATE TABLE audit (
        id BIGINT PRIMARY KEY DEFAULT nextval('audit_id'),
        logged_at TIMESTAMP NOT NULL,
        actor VARCHAR NOT NULL,            -- the token's name, never the token
        role VARCHAR NOT NULL,
        action VARCHAR NOT NULL,           -- approve | start-run | write-approvals-file | ...
        target VARCHAR NOT NULL,           -- run id, run/fingerprint, run/cluster signature
        why VARCHAR,
        detail VARCHAR NOT NULL            -- JSON
      );
      -- how the workload's literals were masked before they were stored (NULL: they were not; the dashboard then shows templates with their literals as ?)
      ALTER TABLE workloads ADD COLUMN masking VARCHAR;
`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'workloads, templates, runs, outcomes, diffs, clusters',
    sql: `
      CREATE TABLE workloads (
        name VARCHAR PRIMARY KEY,
        created_at TIMESTAMP NOT NULL,
        sources VARCHAR NOT NULL,          -- JSON: [{path, format}]
        entries BIGINT NOT NULL,
        rejected BIGINT NOT NULL,
        rejects VARCHAR NOT NULL           -- JSON: [{reason, count, examples}]
      );
      CREATE TABLE templates (
        workload VARCHAR NOT NULL,
        fingerprint VARCHAR NOT NULL,
        normalized VARCHAR NOT NULL,
        sql VARCHAR NOT NULL,
        count BIGINT NOT NULL,
        error_count BIGINT NOT NULL,
        total_duration_ms DOUBLE NOT NULL,
        mean_duration_ms DOUBLE,
        weight DOUBLE NOT NULL,
        duration_share DOUBLE NOT NULL,
        users VARCHAR[] NOT NULL,
        projects VARCHAR[] NOT NULL,
        priorities DOUBLE[] NOT NULL,
        first_seen VARCHAR,
        last_seen VARCHAR,
        source VARCHAR NOT NULL,           -- file:line of the first entry
        PRIMARY KEY (workload, fingerprint)
      );
      CREATE TABLE runs (
        id VARCHAR PRIMARY KEY,
        kind VARCHAR NOT NULL,             -- playback | flight
        workload VARCHAR NOT NULL,
        catalog VARCHAR NOT NULL,
        base_spec VARCHAR NOT NULL,
        head_spec VARCHAR NOT NULL,
        base_description VARCHAR,
        head_description VARCHAR,
        status VARCHAR NOT NULL,           -- running | done | failed
        queue VARCHAR NOT NULL,            -- local | redis://...
        total INTEGER NOT NULL,
        options VARCHAR NOT NULL,          -- JSON
        created_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        error VARCHAR
      );
      CREATE TABLE outcomes (
        run_id VARCHAR NOT NULL,
        fingerprint VARCHAR NOT NULL,
        verdict VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        weight DOUBLE NOT NULL,
        count BIGINT NOT NULL,
        base_status VARCHAR NOT NULL,      -- ok | error | crash | timeout
        head_status VARCHAR NOT NULL,
        base_cost DOUBLE,
        head_cost DOUBLE,
        cost_ratio DOUBLE,
        impact DOUBLE,
        base_plan_hash VARCHAR,
        head_plan_hash VARCHAR,
        base_simplified VARCHAR,
        head_simplified VARCHAR,
        base_explain VARCHAR,
        head_explain VARCHAR,
        base_error VARCHAR,                -- JSON {code, message, line?, column?}
        head_error VARCHAR,
        base_rules VARCHAR[],
        head_rules VARCHAR[],
        rules_diff VARCHAR[],              -- rules fired by exactly one of the builds, '+id' head only, '-id' base only
        base_ms DOUBLE,
        head_ms DOUBLE,
        signature VARCHAR,                 -- change signature (cluster key), null when identical
        approved BOOLEAN NOT NULL DEFAULT false,
        worker VARCHAR,
        PRIMARY KEY (run_id, fingerprint)
      );
      CREATE TABLE diffs (
        run_id VARCHAR NOT NULL,
        fingerprint VARCHAR NOT NULL,
        edits VARCHAR NOT NULL,            -- JSON: the edit script
        text_diff VARCHAR NOT NULL,
        description VARCHAR NOT NULL,
        PRIMARY KEY (run_id, fingerprint)
      );
      CREATE TABLE clusters (
        run_id VARCHAR NOT NULL,
        signature VARCHAR NOT NULL,
        description VARCHAR NOT NULL,
        templates INTEGER NOT NULL,
        weight DOUBLE NOT NULL,
        impact DOUBLE NOT NULL,
        verdicts VARCHAR NOT NULL,         -- JSON {verdict: count}
        example VARCHAR NOT NULL,          -- fingerprint of the heaviest template
        PRIMARY KEY (run_id, signature)
      );
    `,
  },
  {
    version: 2,
    name: 'outcomes: cross-costed ratios (each build estimator on both plans)',
    sql: `
      ALTER TABLE outcomes ADD COLUMN base_estimator_ratio DOUBLE;
      ALTER TABLE outcomes ADD COLUMN head_estimator_ratio DOUBLE;
      ALTER TABLE outcomes ADD COLUMN recost VARCHAR;
    `,
  },
  {
    version: 3,
    name: 'flight results: the evidence beside a flight outcome',
    sql: `
      CREATE TABLE flight_results (
        run_id VARCHAR NOT NULL,
        fingerprint VARCHAR NOT NULL,
        correctness VARCHAR NOT NULL,      -- same | result-mismatch | nondeterministic | not-compared
        performance VARCHAR NOT NULL,      -- slower | faster | same | inconclusive | not-measured
        detail VARCHAR NOT NULL,
        ratio DOUBLE,
        ratio_low DOUBLE,
        ratio_high DOUBLE,
        noise DOUBLE,
        p_value DOUBLE,
        base_ms DOUBLE,
        head_ms DOUBLE,
        pairs INTEGER NOT NULL,
        base_rows BIGINT,
        head_rows BIGINT,
        empty_both BOOLEAN NOT NULL,
        mismatch VARCHAR,                  -- JSON
        operator_change VARCHAR,           -- JSON
        cross_check VARCHAR,
        base_exec VARCHAR NOT NULL,
        head_exec VARCHAR NOT NULL,
        timings VARCHAR NOT NULL,          -- JSON {executeMs, compareMs, statisticsMs}
        PRIMARY KEY (run_id, fingerprint)
      );
    `,
  },
  {
    version: 4,
    name: "templates: the first error message of a template's failed entries",
    sql: `
      ALTER TABLE templates ADD COLUMN first_error VARCHAR;
    `,
  },
  {
    version: 5,
    name: 'dashboard: tables each outcome touches, approvals kept in the store, the audit log',
    sql: {
      duckdb: `
        ALTER TABLE outcomes ADD COLUMN tables VARCHAR[];
        UPDATE outcomes SET tables = list_distinct(list_concat(
          regexp_extract_all(coalesce(base_simplified, ''), 'table=\\[([^\\]]+)\\]', 1),
          regexp_extract_all(coalesce(head_simplified, ''), 'table=\\[([^\\]]+)\\]', 1)));
        ${DASHBOARD_TABLES}`,
      postgresql: `
        ALTER TABLE outcomes ADD COLUMN tables VARCHAR[];
        UPDATE outcomes SET tables = ARRAY(
          SELECT m[1] FROM regexp_matches(coalesce(base_simplified, '') || ' ' || coalesce(head_simplified, ''), 'table=\\[([^\\]]+)\\]', 'g') WITH ORDINALITY AS x(m, n)
          GROUP BY m[1] ORDER BY min(n));
        ${DASHBOARD_TABLES}`,
    },
  },
  {
    version: 6,
    name: "flight results: every operator's actual rows and time, per side, for the dashboard's plan trees",
    sql: `
      ALTER TABLE flight_results ADD COLUMN operators VARCHAR; -- JSON {base: [{name, depth, rows, timeMs}], head: [...]}, pre-order
    `,
  },
  {
    version: 7,
    name: "dashboard: indexes for the templates page's counts, facets and default sorts (PostgreSQL)",
    sql: {
      // DuckDB scans only the columns a query names, and its indexes serve point lookups, not these scans: nothing to add
      duckdb: `SELECT 1`,
      // measured at 100,000 outcomes (bench/dashboard-scale.ts): every count, facet and sorted page was a scan of the
      // whole row, plans included (~2 KB a row). Counts and the verdict, cluster and table facets read the covering
      // index alone (as do the rule facet and the dashboard's per-run version: rules fired, approved); the default sorts
      // (weight, impact; descending) read a page in index order.
      postgresql: `
        CREATE INDEX outcomes_run_verdict ON outcomes (run_id, verdict) INCLUDE (weight, signature, tables, base_rules, head_rules, approved);
        CREATE INDEX outcomes_run_weight ON outcomes (run_id, weight DESC NULLS LAST, fingerprint);
        -- every column of a templates-page row: any sort reads this narrow index, not the rows with their plans
        CREATE INDEX outcomes_run_summary ON outcomes (run_id) INCLUDE (fingerprint, verdict, reason, weight, count, impact, cost_ratio, base_ms, head_ms, signature, approved, tables);
        CREATE INDEX outcomes_run_impact ON outcomes (run_id, impact DESC NULLS LAST, fingerprint);
      `,
    },
  },
];
