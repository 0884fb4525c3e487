import { HomeAreas } from "@/components/home/home-areas";
import { DEFAULT_REPLAY_SAMPLE_ID } from "@/lib/rollout/samples";

// The first page: what each area is for, with a sample of each that works with nothing configured.
export default function HomePage() {
  return <HomeAreas chatSample={DEFAULT_REPLAY_SAMPLE_ID} />;
}
