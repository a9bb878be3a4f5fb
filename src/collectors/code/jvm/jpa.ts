/**
 * JPA's `EntityManager` and Hibernate's `Session` / `StatelessSession`, which every JVM framework's code
 * may use alike: their query factories take JPQL/HQL or native SQL text (`createQuery`, `createNativeQuery`,
 * Hibernate's `createSQLQuery`). A library family's `sqlSinks`, for sql-injection's Java and Kotlin readings.
 */
import type { JvmEntityProvider, SqlSinkProvider } from '../plugin.js';

export const jpaSql: SqlSinkProvider = {
  methods: {
    createQuery: ['EntityManager', 'Session', 'StatelessSession'],
    createNativeQuery: ['EntityManager', 'Session', 'StatelessSession'],
    createSQLQuery: ['Session', 'StatelessSession'],
  },
  mentions: ['EntityManager', 'Session'],
  factories: ['createQuery', 'createNativeQuery', 'createSQLQuery'],
};

/** JPA's persisted classes (`@Entity`), read through the plugin's `jvmEntities` section. */
export const jpaEntities: JvmEntityProvider = { annotations: ['Entity'] };
