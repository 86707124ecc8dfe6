"""One worker of the two-process MultiWorkerMirroredStrategy test (tests/test_distribute.py).

Trains the guide's linear regression with a custom strategy.run loop and a small Keras model with
fit, then prints the final weights as one JSON line.
"""

import json

import numpy as np

import tfshim as tf

strategy = tf.distribute.MultiWorkerMirroredStrategy()
rng = np.random.RandomState(0)
X = rng.randn(256).astype("float32")
Y = (3.0 * X + 2.0 + 0.1 * rng.randn(256)).astype("float32")
GB = 32

with strategy.scope():
    W = tf.Variable(5.0, name="weight")
    B = tf.Variable(10.0, name="bias")
    opt = tf.keras.optimizers.SGD(0.1)


def step(x, y):
    with tf.GradientTape() as tape:
        loss = tf.nn.compute_average_loss(tf.square(W * x + B - y), global_batch_size=GB)
    grads = tape.gradient(loss, [W, B])
    opt.apply_gradients(zip(grads, [W, B]))
    return loss


@tf.function
def dstep(x, y):
    return strategy.reduce(tf.distribute.ReduceOp.SUM, strategy.run(step, args=(x, y)), axis=None)


ds = strategy.experimental_distribute_dataset(tf.data.Dataset.from_tensor_slices((X, Y)).batch(GB))
losses = [float(dstep(x, y).numpy()) for _ in range(3) for x, y in ds]

with strategy.scope():
    tf.keras.utils.set_random_seed(7)
    model = tf.keras.Sequential([tf.keras.Input((1,)), tf.keras.layers.Dense(4, activation="relu"),
                                 tf.keras.layers.Dense(1)])
    model.compile(optimizer=tf.keras.optimizers.Adam(0.05), loss="mse")
hist = model.fit(X[:, None], Y[:, None], batch_size=GB, epochs=2, shuffle=False, verbose=0)

print("RESULT " + json.dumps({
    "replicas": strategy.num_replicas_in_sync,
    "W": float(W.numpy()), "B": float(B.numpy()), "losses": losses,
    "keras": [np.asarray(w).tolist() for w in model.get_weights()], "keras_loss": hist.history["loss"],
}))
