import { describe, expect, it } from 'vitest';
import type { ExecutableNode } from '../manifest/types.js';
import { checkRelationCollisions } from './relation-collisions.js';

/** Just what the check reads of a node. */
function node(uniqueId: string, file: string, relation: [string, string, string] | undefined, materialized = 'table'): ExecutableNode {
  const [resourceType, packageName, name] = uniqueId.split('.') as [ExecutableNode['resourceType'], string, string];
  return {
    uniqueId,
    resourceType,
    name,
    packageName,
    originalFilePath: file,
    config: { materialized },
    relation: relation && { database: relation[0], schema: relation[1], identifier: relation[2] },
  } as unknown as ExecutableNode;
}

describe('checkRelationCollisions', () => {
  it('a package node writing a root model\'s relation is refused, naming both', () => {
    const nodes = [node('model.root.orders', 'models/orders.sql', ['db', 'main', 'orders']), node('model.shop_pkg.Orders', 'dbt_packages/shop_pkg/models/Orders.sql', ['DB', 'MAIN', 'ORDERS'])];
    expect(() => checkRelationCollisions(nodes)).toThrow(
      /two resources would write the relation MAIN\.ORDERS: model\.root\.orders \(models\/orders\.sql\) and model\.shop_pkg\.Orders \(dbt_packages\/shop_pkg\/models\/Orders\.sql\)/,
    );
  });

  it('other schemas or databases, ephemeral models and tests do not collide', () => {
    const nodes = [
      node('model.root.orders', 'models/orders.sql', ['db', 'main', 'orders']),
      node('model.root.orders_copy', 'models/orders_copy.sql', ['db', 'staging', 'orders']),
      node('model.root.orders_other', 'models/orders_other.sql', ['other', 'main', 'orders']),
      node('model.root.eph', 'models/eph.sql', ['db', 'main', 'orders'], 'ephemeral'),
      node('test.root.orders', 'tests/orders.sql', ['db', 'main', 'orders'], 'test'),
    ];
    expect(() => checkRelationCollisions(nodes)).not.toThrow();
  });
});
