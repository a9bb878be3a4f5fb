/**
 * The small shop API both the vulnerable server and its hardened twin serve: the same OpenAPI
 * document, the same users, orders and products, the same GraphQL schema. Only how each server
 * enforces it differs.
 */
import { buildSchema } from 'graphql';
import type { GraphQLSchema } from 'graphql';

export const AUDIENCE = 'shop-api';
export const ISSUER = 'https://auth.shop.test';
/** The one browser origin the hardened twin trusts. */
export const TRUSTED_ORIGIN = 'https://app.shop.test';

export interface User {
  id: number;
  username: string;
  password: string;
  email: string;
  displayName: string;
  role: string;
  isAdmin: boolean;
}

export interface Order {
  id: number;
  ownerId: number;
  item: string;
  quantity: number;
  note: string;
  status: string;
}

export interface Product {
  id: number;
  name: string;
  price: number;
}

/** Per-server mutable state (each server gets its own copy). */
export class ShopStore {
  readonly users: User[] = [
    { id: 1, username: 'alice', password: 'alice-pass-3141', email: 'alice@shop.test', displayName: 'Alice', role: 'customer', isAdmin: false },
    { id: 2, username: 'bob', password: 'bob-pass-2718', email: 'bob@shop.test', displayName: 'Bob', role: 'customer', isAdmin: false },
    { id: 3, username: 'carol', password: 'carol-pass-1618', email: 'carol@shop.test', displayName: 'Carol', role: 'admin', isAdmin: true },
  ];
  readonly orders: Order[] = [
    { id: 1001, ownerId: 1, item: 'Kettle', quantity: 1, note: 'gift wrap', status: 'paid' },
    { id: 1002, ownerId: 1, item: 'Teapot', quantity: 2, note: '', status: 'shipped' },
    { id: 1003, ownerId: 2, item: 'Mug', quantity: 4, note: 'leave at door', status: 'paid' },
  ];
  readonly products: Product[] = Array.from({ length: 2500 }, (_, i) => ({ id: i + 1, name: `Product ${i + 1}`, price: 100 + ((i * 37) % 900) }));
  private nextOrderId = 1004;

  userByName(name: string): User | undefined {
    return this.users.find((u) => u.username === name);
  }
  userById(id: number): User | undefined {
    return this.users.find((u) => u.id === id);
  }
  orderById(id: number): Order | undefined {
    return this.orders.find((o) => o.id === id);
  }
  addOrder(ownerId: number, item: string, quantity: number, note: string): Order {
    const order: Order = { id: this.nextOrderId++, ownerId, item, quantity, note, status: 'new' };
    this.orders.push(order);
    return order;
  }
}

export function publicUser(user: User): Omit<User, 'password'> {
  const { password, ...rest } = user;
  void password;
  return rest;
}

export const GRAPHQL_SDL = `
type User {
  id: ID!
  username: String!
  displayName: String!
  orders: [Order!]!
}
type Order {
  id: ID!
  item: String!
  quantity: Int!
  owner: User!
}
type Query {
  me: User
  order(id: ID!): Order
  products(first: Int): [String!]!
}
`;

export function shopSchema(): GraphQLSchema {
  return buildSchema(GRAPHQL_SDL);
}

/** Root resolvers over a store, for the identity `userId` (undefined: anonymous). */
export function graphqlRoot(store: ShopStore, userId: number | undefined, ownerOnly: boolean): Record<string, unknown> {
  const userView = (user: { id: number; username: string; displayName: string }): Record<string, unknown> => ({
    id: String(user.id),
    username: user.username,
    displayName: user.displayName,
    orders: () => store.orders.filter((o) => o.ownerId === user.id).map(orderView),
  });
  const orderView = (order: Order): Record<string, unknown> => ({
    id: String(order.id),
    item: order.item,
    quantity: order.quantity,
    owner: () => {
      const owner = store.userById(order.ownerId);
      return owner ? userView(owner) : null;
    },
  });
  return {
    me: () => {
      const user = userId === undefined ? undefined : store.userById(userId);
      return user ? userView(user) : null;
    },
    order: ({ id }: { id: string }) => {
      const order = store.orderById(Number(id));
      if (!order) return null;
      if (ownerOnly && order.ownerId !== userId) return null;
      return orderView(order);
    },
    products: ({ first }: { first?: number | null }) => store.products.slice(0, Math.min(first ?? 10, ownerOnly ? 50 : Number.MAX_SAFE_INTEGER)).map((p) => p.name),
  };
}

const userSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer', readOnly: true },
    username: { type: 'string', readOnly: true },
    email: { type: 'string', format: 'email' },
    displayName: { type: 'string', maxLength: 64 },
    role: { type: 'string', readOnly: true },
    isAdmin: { type: 'boolean', readOnly: true },
  },
};
const orderSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer', readOnly: true },
    item: { type: 'string', maxLength: 64 },
    quantity: { type: 'integer', minimum: 1, maximum: 100 },
    note: { type: 'string', maxLength: 200 },
    status: { type: 'string', readOnly: true },
  },
};
const limitParam = { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } };
const bearerJson = (schema: unknown): Record<string, unknown> => ({ 'application/json': { schema } });

/** The OpenAPI 3.0 document both servers implement (the hardened twin does not publish it). */
export const SHOP_OPENAPI = {
  openapi: '3.0.3',
  info: { title: 'Shop API', version: '1.4.0' },
  servers: [{ url: '/' }],
  security: [{ bearerAuth: [] }],
  components: {
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: { User: userSchema, Order: orderSchema },
  },
  paths: {
    '/health': { get: { operationId: 'health', security: [], responses: { '200': { description: 'up' } } } },
    '/api/login': {
      post: {
        operationId: 'login',
        security: [],
        requestBody: { required: true, content: bearerJson({ type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } }) },
        responses: { '200': { description: 'token' }, '401': { description: 'bad credentials' } },
      },
    },
    '/api/users': {
      get: { operationId: 'listUsers', parameters: [limitParam], responses: { '200': { description: 'users', content: bearerJson({ type: 'array', items: { $ref: '#/components/schemas/User' } }) } } },
    },
    '/api/users/me': {
      get: { operationId: 'getMe', responses: { '200': { description: 'me', content: bearerJson({ $ref: '#/components/schemas/User' }) } } },
      patch: {
        operationId: 'updateMe',
        requestBody: { content: bearerJson({ type: 'object', properties: { email: { type: 'string' }, displayName: { type: 'string' } } }) },
        responses: { '200': { description: 'updated', content: bearerJson({ $ref: '#/components/schemas/User' }) } },
      },
    },
    '/api/orders': {
      get: { operationId: 'listOrders', parameters: [limitParam], responses: { '200': { description: 'orders', content: bearerJson({ type: 'array', items: { $ref: '#/components/schemas/Order' } }) } } },
      post: {
        operationId: 'createOrder',
        requestBody: { required: true, content: bearerJson({ $ref: '#/components/schemas/Order' }) },
        responses: { '201': { description: 'created', content: bearerJson({ $ref: '#/components/schemas/Order' }) } },
      },
    },
    '/api/orders/{orderId}': {
      parameters: [{ name: 'orderId', in: 'path', required: true, schema: { type: 'integer' } }],
      get: { operationId: 'getOrder', responses: { '200': { description: 'order', content: bearerJson({ $ref: '#/components/schemas/Order' }) }, '404': { description: 'none' } } },
      patch: {
        operationId: 'updateOrder',
        requestBody: { content: bearerJson({ $ref: '#/components/schemas/Order' }) },
        responses: { '200': { description: 'order', content: bearerJson({ $ref: '#/components/schemas/Order' }) } },
      },
    },
    '/api/products': {
      get: {
        operationId: 'listProducts',
        security: [],
        parameters: [limitParam, { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0 } }],
        responses: { '200': { description: 'products' } },
      },
    },
    '/api/stats': { get: { operationId: 'stats', responses: { '200': { description: 'sales figures' } } } },
    '/api/redirect': {
      get: { operationId: 'redirect', security: [], parameters: [{ name: 'next', in: 'query', schema: { type: 'string' } }], responses: { '302': { description: 'redirect' } } },
    },
    '/graphql': { post: { operationId: 'graphql', responses: { '200': { description: 'GraphQL result' } } } },
  },
} as const;
