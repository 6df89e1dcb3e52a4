/** The catalog the hostile corpus runs against, written with @duckdb/node-api (for build-process tests). */
import { openDatabase } from '../../compiler/builds/duckdb-database.ts';

/** A small catalog with the tables the corpus names (region, nation), written with @duckdb/node-api. */
export async function createHostileCatalog(path: string): Promise<void> {
  const db = await openDatabase(path);
  await db.run(`
    create table region (r_regionkey integer primary key, r_name varchar, r_comment varchar);
    create table nation (n_nationkey integer primary key, n_name varchar, n_regionkey integer);
    insert into region values (0, 'AFRICA', 'a'), (1, 'AMERICA', 'b'), (2, 'ASIA', 'c');
    insert into nation select i, 'NATION' || i, i % 3 from range(6) t(i);
  `);
  db.close();
}
