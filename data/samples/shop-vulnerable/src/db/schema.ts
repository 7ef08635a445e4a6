import { relations } from "drizzle-orm";
import {
  doublePrecision,
  index,
  integer,
  numeric,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";

export const roleEnum = pgEnum("role", ["customer", "admin"]);
export const orderStatusEnum = pgEnum("order_status", ["pending", "paid", "shipped", "cancelled", "refunded"]);

export const users = pgTable(
  "users",
  {
    // The Clerk user id ("user_2N..."), written by the Clerk webhook when an account is created.
    id: varchar("id", { length: 64 }).primaryKey(),
    email: varchar("email", { length: 255 }).notNull().unique(),
    name: varchar("name", { length: 120 }),
    // Only set for accounts of the v1 mobile app, which signs in without Clerk.
    // expect: SCH006
    password: text("password"),
    role: roleEnum("role").notNull().default("customer"),
    imageUrl: text("image_url"),
    createdAt: timestamp("created_at").notNull().defaultNow(),
    updatedAt: timestamp("updated_at").notNull().defaultNow().$onUpdate(() => new Date()),
  },
  (table) => ({
    // expect: SCH009
    emailIdx: index("users_email_idx").on(table.email),
  }),
);

export const products = pgTable(
  "products",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slug: varchar("slug", { length: 120 }).notNull().unique(),
    name: varchar("name", { length: 200 }).notNull(),
    description: text("description"),
    // expect: SCH002
    price: doublePrecision("price").notNull(),
    stock: integer("stock").notNull().default(0),
    version: integer("version").notNull().default(0),
    imageUrl: text("image_url"),
    deletedAt: timestamp("deleted_at"),
    createdAt: timestamp("created_at").notNull().defaultNow(),
    updatedAt: timestamp("updated_at").notNull().defaultNow().$onUpdate(() => new Date()),
  },
  (table) => ({
    nameIdx: index("products_name_idx").on(table.name),
  }),
);

// expect: SCH007
export const coupons = pgTable("coupons", {
  id: uuid("id").primaryKey().defaultRandom(),
  code: varchar("code", { length: 32 }).notNull().unique(),
  // "percent" (value is a percentage) or "fixed" (value is in cents)
  // expect: SCH010
  kind: text("kind").notNull().default("percent"),
  value: integer("value").notNull(),
  expiresAt: timestamp("expires_at"),
});

export const orders = pgTable(
  "orders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // expect: SCH004
    userId: varchar("user_id", { length: 64 }).notNull().references(() => users.id),
    status: orderStatusEnum("status").notNull().default("pending"),
    // expect: SCH002
    total: doublePrecision("total").notNull(),
    currency: varchar("currency", { length: 3 }).notNull(),
    // expect: SCH001
    couponId: uuid("coupon_id").references(() => coupons.id, { onDelete: "set null" }),
    shippingAddress: text("shipping_address"),
    // expect: SCH008
    stripeSessionId: text("stripe_session_id").unique(),
    createdAt: timestamp("created_at").notNull().defaultNow(),
    updatedAt: timestamp("updated_at").notNull().defaultNow().$onUpdate(() => new Date()),
  },
  (table) => ({
    userIdx: index("orders_user_id_idx").on(table.userId),
  }),
);

export const orderItems = pgTable(
  "order_items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orderId: uuid("order_id").notNull().references(() => orders.id, { onDelete: "cascade" }),
    // expect: SCH005
    productId: uuid("product_id").notNull().references(() => products.id, { onDelete: "restrict" }),
    quantity: integer("quantity").notNull(),
    unitPrice: numeric("unit_price", { precision: 10, scale: 2 }).notNull(),
    createdAt: timestamp("created_at").notNull().defaultNow(),
    updatedAt: timestamp("updated_at").notNull().defaultNow().$onUpdate(() => new Date()),
  },
  (table) => ({
    orderIdx: index("order_items_order_id_idx").on(table.orderId),
    productIdx: index("order_items_product_id_idx").on(table.productId),
  }),
);

export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: varchar("user_id", { length: 64 }).notNull().references(() => users.id, { onDelete: "cascade" }),
    name: varchar("name", { length: 60 }).notNull(),
    // expect: SCH006
    token: varchar("token", { length: 64 }).notNull().unique(),
    lastUsedAt: timestamp("last_used_at"),
    createdAt: timestamp("created_at").notNull().defaultNow(),
    updatedAt: timestamp("updated_at").notNull().defaultNow().$onUpdate(() => new Date()),
  },
  (table) => ({
    userIdx: index("api_tokens_user_id_idx").on(table.userId),
  }),
);

export const usersRelations = relations(users, ({ many }) => ({
  orders: many(orders),
  apiTokens: many(apiTokens),
}));

export const productsRelations = relations(products, ({ many }) => ({
  orderItems: many(orderItems),
}));

export const couponsRelations = relations(coupons, ({ many }) => ({
  orders: many(orders),
}));

export const ordersRelations = relations(orders, ({ one, many }) => ({
  user: one(users, { fields: [orders.userId], references: [users.id] }),
  coupon: one(coupons, { fields: [orders.couponId], references: [coupons.id] }),
  items: many(orderItems),
}));

export const orderItemsRelations = relations(orderItems, ({ one }) => ({
  order: one(orders, { fields: [orderItems.orderId], references: [orders.id] }),
  product: one(products, { fields: [orderItems.productId], references: [products.id] }),
}));

export const apiTokensRelations = relations(apiTokens, ({ one }) => ({
  user: one(users, { fields: [apiTokens.userId], references: [users.id] }),
}));

export type User = typeof users.$inferSelect;
export type Product = typeof products.$inferSelect;
export type Order = typeof orders.$inferSelect;
export type OrderItem = typeof orderItems.$inferSelect;
