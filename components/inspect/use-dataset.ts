"use client";
import { useCallback, useEffect, useState } from "react";
import type { DatasetFormat, DatasetInfo } from "@/lib/data/types";
import { api } from "./api";

/** The open dataset: opened whenever the file (or format) changes, polled while it indexes. */
export function useDataset(file: string | null, format: DatasetFormat | undefined): { info: DatasetInfo | null; openError: string | null; refresh: () => void } {
  const [info, setInfo] = useState<DatasetInfo | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);

  useEffect(() => {
    if (!file) {
      setInfo(null);
      return;
    }
    let live = true;
    setOpenError(null);
    void api.open(file, format).then((r) => {
      if (!live) return;
      if (r.ok) setInfo(r.value);
      else {
        setInfo(null);
        setOpenError(r.error.message);
      }
    });
    return () => {
      live = false;
    };
  }, [file, format]);

  // While indexing, poll progress; the list refreshes as rows arrive. Until the first rows are in,
  // poll often: they are what a person waits for.
  useEffect(() => {
    if (!info?.indexing) return;
    const t = setTimeout(() => {
      void api.info(info.id).then((r) => r.ok && setInfo(r.value));
    }, info.rows === 0 ? 50 : 500);
    return () => clearTimeout(t);
  }, [info]);

  const id = info?.id;
  const refresh = useCallback(() => {
    if (id) void api.info(id).then((r) => r.ok && setInfo(r.value));
  }, [id]);
  return { info, openError, refresh };
}
