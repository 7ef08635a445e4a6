import { db } from "@/db";
import { products } from "@/db/schema";

// The catalogue is rendered once a minute, not on every request.
export const revalidate = 60;

export default async function ProductsPage() {
  const rows = await db.select({ id: products.id, name: products.name }).from(products);
  return (
    <ul>
      {rows.map((product) => (
        <li key={product.id}>{product.name}</li>
      ))}
    </ul>
  );
}
