"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";

// expect: SEC002
import { orderStatusEnum } from "@/db";

/** Dropdown above the order history that filters it by status through the URL. */
export function OrderStatusFilter() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const current = searchParams.get("status") ?? "";

  return (
    <select
      aria-label="Filter by status"
      value={current}
      onChange={(event) => {
        const params = new URLSearchParams(searchParams);
        if (event.target.value) params.set("status", event.target.value);
        else params.delete("status");
        router.push(`${pathname}?${params.toString()}`);
      }}
      className="rounded border px-2 py-1"
    >
      <option value="">All orders</option>
      {orderStatusEnum.enumValues.map((status) => (
        <option key={status} value={status}>
          {status[0].toUpperCase() + status.slice(1)}
        </option>
      ))}
    </select>
  );
}
