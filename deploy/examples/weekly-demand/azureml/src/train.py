"""Weekly demand model for one store: seasonal-naive with a level correction.

Reads the store's weekly sales (a uri_file input, week,units), fits on all but the last 13 weeks,
reports MAPE on those 13, and writes the model to --model-dir. Standard library only, so any
Python 3 environment runs it.
"""
import argparse
import csv
import json
import os


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--store", required=True)
    p.add_argument("--region", default="")
    p.add_argument("--sales", required=True)
    p.add_argument("--horizon-weeks", type=int, default=12)
    p.add_argument("--model-dir", required=True)
    a = p.parse_args()

    with open(a.sales, newline="") as f:
        units = [float(r["units"]) for r in csv.DictReader(f)]
    if len(units) < 65:
        raise SystemExit(f"{a.store}: {len(units)} weeks of sales, need at least 65")
    train, test = units[:-13], units[-13:]
    level = sum(train[-13:]) / sum(train[-65:-52])
    forecast = [train[len(train) - 52 + i] * level for i in range(13)]
    mape = sum(abs(f - t) / t for f, t in zip(forecast, test) if t) / len(test)

    os.makedirs(a.model_dir, exist_ok=True)
    model = {"store": a.store, "region": a.region, "level": level, "season": train[-52:]}
    with open(os.path.join(a.model_dir, "model.json"), "w") as f:
        json.dump(model, f)
    with open(os.path.join(a.model_dir, "metrics.json"), "w") as f:
        json.dump({"mape": mape}, f)
    print(f"{a.store}: MAPE {mape:.3f} on the last 13 weeks")


if __name__ == "__main__":
    main()
