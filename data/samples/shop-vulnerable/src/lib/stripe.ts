import Stripe from "stripe";

// TODO: read from the environment before the next release (the env var is not set on preview deploys).
// expect: SEC003
const STRIPE_KEY = process.env.STRIPE_SECRET_KEY || "sk_live_FAKE0KEY0FOR0TESTS0ONLY0";

export const stripe = new Stripe(STRIPE_KEY, { apiVersion: "2024-06-20", typescript: true });

export function formatAmount(amount: number, currency = "usd"): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amount);
}
