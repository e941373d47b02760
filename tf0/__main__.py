"""`python -m tf0`: the main job (train on the digits, save, export; exit status 1 if the
test accuracy is under 95%). `python -m tf0 info`: the device tf0 sees."""
import sys


def main(argv):
    if argv[:1] == ["info"]:
        import tf0.info
        print(tf0.info.describe())
        return 0
    from tf0.demo import train
    accuracy, _ = train()
    return 0 if accuracy >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
