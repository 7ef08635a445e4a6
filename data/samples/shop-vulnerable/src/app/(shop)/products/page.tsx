import { db } from "@/db";
import { products, users } from "@/db/schema";

// The catalogue is rendered once a minute, not on every request, with the sellers' display names.
export const revalidate = 60;

export default async function ProductsPage() {
  const rows = await db.select({ id: products.id, name: products.name }).from(products);
  const sellers = await db.select({ id: users.id, name: users.name }).from(users);
  return (
    <>
      <ul>
        {rows.map((product) => (
          <li key={product.id}>{product.name}</li>
        ))}
      </ul>
      <p>Sold by {sellers.map((seller) => seller.name).join(", ")}</p>
    </>
  );
}
