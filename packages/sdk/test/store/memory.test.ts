import { MemoryRunStore } from "@validibot/sdk/store";
import { runStoreConformance } from "./conformance";

runStoreConformance("MemoryRunStore", {
  announcesChanges: true,
  async open() {
    const store = new MemoryRunStore();
    await store.init();
    return store;
  },
});
