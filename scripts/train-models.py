#!/usr/bin/python3
"""Train the models the system ships and the fixtures that prove our inference equals the
training libraries' own.

    node scripts/generate-features.ts --out .data/model-training
    /usr/bin/python3 scripts/train-models.py --data .data/model-training

Reads train.csv and heldout.csv (written by scripts/generate-features.ts) and writes:
  models/xgboost-direction-5m/        the shipped model: XGBoost binary:logistic, 100 trees of
                                      depth 6, P(the close 5 bars on is above this close)
  test/fixtures/models/<name>/        smaller fixtures: XGBoost reg:squarederror and
                                      multi:softprob, and a scikit-learn logistic regression
  test/fixtures/models/heldout-features.csv     the held-out features (header = feature names)
  test/fixtures/models/predictions/<name>.csv   what XGBoost / scikit-learn predicted for each
                                                held-out row (one row each; classes by comma)
Each model folder holds manifest.json and model.json (see docs/models.md).

Needs Debian's python3-xgboost and python3-sklearn, which load in /usr/bin/python3.
"""
import argparse
import json
import os
import sys

try:
    import numpy as np
    import sklearn
    import xgboost as xgb
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
except ImportError as error:
    sys.exit(
        f"cannot import {error.name}: this script needs Debian's python3-xgboost and python3-sklearn "
        f"(apt-get install python3-xgboost python3-sklearn) and must run under /usr/bin/python3; "
        f"this is {sys.executable}"
    )

LABELS = ["forward_return", "label_up", "label_class"]
SEED = 0


def read_csv(path):
    with open(path, encoding="utf-8") as file:
        header = file.readline().strip().split(",")
    data = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=np.float64, missing_values="", filling_values=np.nan)
    features = [name for name in header if name not in LABELS]
    columns = {name: data[:, i] for i, name in enumerate(header)}
    return features, np.column_stack([columns[name] for name in features]), columns


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as file:
        json.dump(value, file, indent=2)
        file.write("\n")


def write_predictions(path, predictions):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    rows = np.asarray(predictions, dtype=np.float64).reshape(len(predictions), -1)
    with open(path, "w", encoding="utf-8") as file:
        for row in rows:
            # repr gives the shortest text that reads back as the same double; NaN stays empty.
            file.write(",".join("" if np.isnan(x) else repr(float(x)) for x in row) + "\n")


def manifest(version, kind, objective, features, signal, description):
    return {
        "manifestVersion": 1,
        "modelVersion": version,
        "kind": kind,
        "file": "model.json",
        "objective": objective,
        "features": features,
        "signal": signal,
        "description": description,
    }


PROBABILITY_SIGNAL = {"longAbove": 0.55, "shortBelow": 0.45, "fullLongAt": 0.7, "fullShortAt": 0.3}


def train_xgboost(folder, version, features, x, y, heldout, params, rounds, signal, description, predictions):
    params = {**params, "seed": SEED, "nthread": 1, "tree_method": "exact"}
    booster = xgb.train(params, xgb.DMatrix(x, label=y, feature_names=features), rounds)
    os.makedirs(folder, exist_ok=True)
    booster.save_model(os.path.join(folder, "model.json"))
    write_json(os.path.join(folder, "manifest.json"), manifest(version, "xgboost", params["objective"], features, signal, description))
    write_predictions(predictions, booster.predict(xgb.DMatrix(heldout, feature_names=features)))


def train_logistic_regression(folder, version, features, x, y, heldout, predictions):
    complete = ~np.isnan(x).any(axis=1)
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    pipeline.fit(x[complete], y[complete])
    scaler, regression = pipeline.named_steps["standardscaler"], pipeline.named_steps["logisticregression"]
    write_json(
        os.path.join(folder, "model.json"),
        {
            "format": "sklearn-logistic-regression",
            "sklearn_version": sklearn.__version__,
            "classes_": regression.classes_.tolist(),
            "coef_": regression.coef_.tolist(),
            "intercept_": regression.intercept_.tolist(),
            "n_features_in_": int(regression.n_features_in_),
            "feature_names_in_": features,
            "scaler": {"mean_": scaler.mean_.tolist(), "scale_": scaler.scale_.tolist()},
        },
    )
    write_json(
        os.path.join(folder, "manifest.json"),
        manifest(version, "logistic-regression", "binary:logistic", features, PROBABILITY_SIGNAL, "P(close 5 bars on > close)"),
    )
    # scikit-learn refuses missing values: rows with one get no prediction (an empty line).
    probabilities = np.full(len(heldout), np.nan)
    rows = ~np.isnan(heldout).any(axis=1)
    probabilities[rows] = pipeline.predict_proba(heldout[rows])[:, 1]
    write_predictions(predictions, probabilities)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=".data/model-training", help="folder with train.csv and heldout.csv")
    parser.add_argument("--models", default="models", help="where the shipped model goes")
    parser.add_argument("--fixtures", default="test/fixtures/models", help="where fixtures and predictions go")
    args = parser.parse_args()
    for name in ("train.csv", "heldout.csv"):
        if not os.path.isfile(os.path.join(args.data, name)):
            sys.exit(f"{os.path.join(args.data, name)} is missing: run node scripts/generate-features.ts --out {args.data} first")

    features, x, labels = read_csv(os.path.join(args.data, "train.csv"))
    heldout_features, heldout, _ = read_csv(os.path.join(args.data, "heldout.csv"))
    if heldout_features != features:
        sys.exit("train.csv and heldout.csv have different feature columns")
    fixtures = args.fixtures
    predictions = os.path.join(fixtures, "predictions")
    os.makedirs(fixtures, exist_ok=True)
    with open(os.path.join(fixtures, "heldout-features.csv"), "w", encoding="utf-8") as file:
        file.write(",".join(features) + "\n")
        for row in heldout:
            file.write(",".join("" if np.isnan(v) else repr(float(v)) for v in row) + "\n")

    direction = "P(close 5 bars on > close), from the simulator's generated market"
    train_xgboost(
        os.path.join(args.models, "xgboost-direction-5m"), "xgboost-direction-5m-1", features, x, labels["label_up"], heldout,
        {"objective": "binary:logistic", "max_depth": 6, "eta": 0.1}, 100, PROBABILITY_SIGNAL, direction,
        os.path.join(predictions, "xgboost-direction-5m.csv"),
    )
    train_xgboost(
        os.path.join(fixtures, "xgboost-regression"), "xgboost-regression-fixture", features, x, labels["forward_return"], heldout,
        {"objective": "reg:squarederror", "max_depth": 4, "eta": 0.3}, 20,
        {"longAbove": 0.0002, "shortBelow": -0.0002, "fullLongAt": 0.001, "fullShortAt": -0.001},
        "the return over the next 5 bars", os.path.join(predictions, "xgboost-regression.csv"),
    )
    train_xgboost(
        os.path.join(fixtures, "xgboost-softprob"), "xgboost-softprob-fixture", features, x, labels["label_class"], heldout,
        {"objective": "multi:softprob", "num_class": 3, "max_depth": 4, "eta": 0.3}, 10,
        {"longAbove": 0.1, "shortBelow": -0.1, "fullLongAt": 0.5, "fullShortAt": -0.5, "classDirections": ["short", "flat", "long"]},
        "the next 5 bars' return: down, flat (within 5 bps) or up", os.path.join(predictions, "xgboost-softprob.csv"),
    )
    train_logistic_regression(
        os.path.join(fixtures, "logistic-regression"), "logistic-regression-fixture", features, x, labels["label_up"], heldout,
        os.path.join(predictions, "logistic-regression.csv"),
    )
    print(f"trained on {len(x)} rows with xgboost {xgb.__version__} and scikit-learn {sklearn.__version__}; "
          f"predicted {len(heldout)} held-out rows")


if __name__ == "__main__":
    main()
