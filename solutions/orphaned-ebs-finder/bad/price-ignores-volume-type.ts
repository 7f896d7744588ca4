// Mistake: prices every volume as gp2, the type most blog posts quote, whatever its VolumeType.
import { type PriceTable, US_EAST_1_PRICES } from "../orphaned-ebs-finder";

export * from "../orphaned-ebs-finder";

export function monthlyCost(
  volume: { sizeGiB: number; volumeType: string },
  prices: PriceTable = US_EAST_1_PRICES,
): number {
  const perGiB = prices.gp2 ?? 0.1;
  return Math.round(volume.sizeGiB * perGiB * 10_000) / 10_000;
}
