"""`python -m tf0`: run the main job (train the seed network). `python -m tf0 info`: device."""
import sys


def main(argv):
    if argv[:1] == ["info"]:
        import tf0.info
        print(tf0.info.describe())
        return 0
    from tf0.demo import train
    losses = train()
    return 0 if losses[-1] < 0.6 * losses[0] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
