/**
 * MyBatis-Plus' persisted classes (`@TableName`, the `jvm-mybatis` library family), read by the Java and Kotlin readings
 * of mass-assignment-request-body and excessive-data-exposure through the plugin's `jvmEntities` section.
 */
import type { JvmEntityProvider } from '../plugin.js';

export const mybatisPlusEntities: JvmEntityProvider = { annotations: ['TableName'] };
