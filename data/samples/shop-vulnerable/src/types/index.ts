// Shapes shared by the storefront components.

// expect: TYP003
export type User = {
  id: string;
  email: string;
  name: string | null;
  role: "customer" | "admin";
  imageUrl: string | null;
  createdAt: Date;
};

export type CartLine = {
  productId: string;
  quantity: number;
};
